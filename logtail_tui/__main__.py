from logtail_tui.cli import main

if __name__ == "__main__":  # not when a worker process (index_pool) imports it
    main()
