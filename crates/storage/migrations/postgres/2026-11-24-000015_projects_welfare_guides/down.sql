DROP TABLE service_guides;
DROP TABLE major_project_items;
DROP TABLE major_projects;
DROP INDEX items_welfare_area;
ALTER TABLE items DROP COLUMN welfare_area;
