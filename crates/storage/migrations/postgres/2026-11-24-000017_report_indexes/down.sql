DROP INDEX items_report;
DROP INDEX items_genre_org;
