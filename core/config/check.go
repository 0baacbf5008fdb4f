package config

// CheckAccount applies to a the rules Parse applies to an [[account]]
// table, plus name uniqueness against others (which must not include a
// itself), for inline validation in an account editor. It returns one
// message per offending field, keyed by TOML key ("name", "domain",
// "transport", ...); the map is empty when a is valid. Defaults are
// allowed for (an empty transport is fine) but nothing is normalized:
// a is a copy. A relative CAFile is checked relative to the current
// directory, since a has no file to be relative to. Messages never
// contain the password or the webhook secret. The webhook secret is not
// required with webhook_url, as [cti] may hold it.
func CheckAccount(a Account, others []Account) map[string]string {
	r := &report{}
	v := validator{r: r, pos: presentKeys("", accountKeys), bad: map[string]bool{}}
	v.account("", &a, "")
	v.cti("", &a.CTI, nil, true)
	if a.Name != "" {
		for _, o := range others {
			if o.Name == a.Name {
				v.duplicateName("", a.Name, 0)
				break
			}
		}
	}
	msgs := make(map[string]string, len(r.errs))
	for _, e := range r.errs {
		if _, ok := msgs[e.Field]; !ok {
			msgs[e.Field] = e.Msg
		}
	}
	return msgs
}

// presentKeys marks prefix and every prefix.key as present at line 0, so
// the validator says "must not be empty" rather than "missing required
// key" for values that come from a program rather than a file.
func presentKeys(prefix string, keys []string) positions {
	pos := positions{prefix: 0}
	for _, k := range keys {
		pos[fieldPath(prefix, k)] = 0
	}
	return pos
}
