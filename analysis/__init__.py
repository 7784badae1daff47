"""What the answers mean: scoring, statistics, small-cell suppression, the dashboard and exports."""
