DROP TABLE consultation_comments;
DROP TABLE consultations;
DROP TABLE interview_questions;
DROP TABLE interviews;
DROP TABLE interpretation_forms;
DROP TABLE survey_responses;
DROP TABLE surveys;
