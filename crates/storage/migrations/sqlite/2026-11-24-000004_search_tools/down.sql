DROP TABLE search_queries;
DROP TABLE search_best_bets;
DROP TABLE search_synonyms;
