"""What is asked: the question bank, instruments, survey versions, skip logic and the board's proposals."""
