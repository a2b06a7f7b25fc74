from kohorte.cli import main

main()
