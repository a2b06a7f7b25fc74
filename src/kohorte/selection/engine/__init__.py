"""The selection maths, in plain Python (numpy and scipy), without Django.

Each module takes plain data and returns plain data, so that the committee's numbers can be
re-checked outside Kohorte: ``assignment`` (who reviews what), ``calibration`` (reviewer
offsets), ``reliability`` (Krippendorff's alpha, ICC), ``cohort`` (the optimiser).
"""
