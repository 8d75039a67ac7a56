"""vixbt: does the S&P 500 reverse when the VIX hits an extreme?"""

__version__ = "0.1.0"
