from clv.cli import main

main()
