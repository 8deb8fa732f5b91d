package bot

import "errors"

// Sentinel errors shared by the engine and its adapters. Adapters wrap them with
// %w; the HTTP layer maps them to status codes in one place.
var (
	// ErrNotFound: the thing asked for does not exist (or is withdrawn).
	ErrNotFound = errors.New("not found")
	// ErrConflict: a concurrent or duplicate change lost; retry with fresh data.
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input is malformed; the wrapping error says what is wrong.
	ErrInvalid = errors.New("invalid input")
	// ErrUnauthorized: no valid credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: valid credentials without the needed role.
	ErrForbidden = errors.New("forbidden")
	// ErrRateLimited: too many attempts; try later.
	ErrRateLimited = errors.New("rate limited")
	// ErrDossierUnavailable: the dossier's source (the province's system) cannot
	// answer now (down, too slow, its circuit breaker open, an unreadable
	// answer). It says nothing about whether the dossier exists and is never a
	// failed verification.
	ErrDossierUnavailable = errors.New("dossier source unavailable")
)
