"""The counter queue (issue 15): kiosk tickets, calling screen, the officer's calls."""
