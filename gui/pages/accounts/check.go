package accounts

import "github.com/softphone/softphone/core/config"

// checkAccount validates one account against the others, one message per
// field keyed by TOML key ("name", "domain", ...). A variable so tests can
// count calls.
var checkAccount = config.CheckAccount
