from logtail_tui.cli import main

main()
