DROP TABLE annual_reports;
DROP TABLE report_entered_figures;
