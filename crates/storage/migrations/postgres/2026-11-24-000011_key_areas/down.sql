DROP TABLE trading_announcements;
DROP TABLE trading_projects;
