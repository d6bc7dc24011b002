"""The simulations: pure numpy, no widgets, no plotting.

Import the module you need (``from cramp_lessons.physiology import twitch``); nothing is
imported here so that ``import cramp_lessons`` stays fast.
"""
