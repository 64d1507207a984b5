"""The Textual UI: app, log pane, bars and screens. Knows the source contract, never an adapter."""
