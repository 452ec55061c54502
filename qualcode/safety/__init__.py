"""What keeps our outputs from harming their readers: spreadsheets, terminals, secrets."""
