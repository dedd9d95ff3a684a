"""whipcount's spaCy components and the pipeline that holds them."""
