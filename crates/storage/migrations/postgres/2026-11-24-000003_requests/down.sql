DROP TABLE request_appeals;
DROP TABLE request_events;
DROP TABLE disclosure_requests;
