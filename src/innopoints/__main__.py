from innopoints.cli import main

main()
