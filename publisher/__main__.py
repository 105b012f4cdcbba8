from publisher.entry import main

main()
