"""The application and the participant side: app factory, database, accounts, kiosk and intake."""
