DROP INDEX items_genre_org;
