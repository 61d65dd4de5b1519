"""``python -m journeylab.demo``."""

from journeylab.demo import main

main()
