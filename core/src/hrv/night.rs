//! Overnight HRV (interface; being implemented).
