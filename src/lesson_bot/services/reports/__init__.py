"""Period reports and the assessment (issue #14): queries (SQL aggregates), facts, views, the service, sheets."""
