DROP TABLE interview_files;
