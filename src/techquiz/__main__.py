from techquiz.cli import main

raise SystemExit(main())
