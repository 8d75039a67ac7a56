"""Does the VIX tell us anything SPX does not already know?"""
