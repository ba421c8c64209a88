DROP TABLE interview_questions;
DROP TABLE interviews;
DROP TABLE interpretation_forms;
DROP TABLE survey_responses;
DROP TABLE surveys;
