DROP TABLE search_user_words;
