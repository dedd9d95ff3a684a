"""whipcount: a sourced record of who backs whom, who said what, and who holds which role."""

__version__ = "0.1.0"
