"""Source adapters and the contract they share. Adapters know nothing of the UI."""
