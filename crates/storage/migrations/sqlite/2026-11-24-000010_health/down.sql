DROP TABLE health_crawls;
DROP TABLE error_report_replies;
DROP TABLE health_digests;
DROP TABLE health_scores;
DROP TABLE health_findings;
DROP TABLE health_words;
