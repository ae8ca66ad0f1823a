"""The main window's parts: status bar, board page, action table, coordinator dialogs."""
