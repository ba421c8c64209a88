DROP TABLE index_counters;
DROP TABLE organisations;
