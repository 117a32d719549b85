//! RR text files (interface; being implemented).
