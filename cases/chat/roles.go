package chat

import "strings"

// guessRoles sets each speaker's role from its name: a sub-account or a
// shop-like name is the shop, a platform's buyer account or a buyer word
// the buyer, and when one side is known and a single other person speaks,
// that person is the other side.
func guessRoles(lines []Line) {
	roles := map[string]Role{}
	var order []string
	for _, l := range lines {
		if l.Speaker == "" {
			continue
		}
		if _, ok := roles[l.Speaker]; !ok {
			roles[l.Speaker] = guessRole(key(foldString(l.Speaker)))
			order = append(order, l.Speaker)
		}
	}
	// The main account of a shop whose sub-accounts speak is the shop.
	for _, s := range order {
		if shop, ok := subAccount(key(foldString(s))); ok {
			for _, o := range order {
				if roles[o] == RoleUnknown && key(foldString(o)) == shop {
					roles[o] = RoleShop
				}
			}
		}
	}
	var unknown []string
	shop, buyer := false, false
	for _, s := range order {
		switch roles[s] {
		case RoleUnknown:
			unknown = append(unknown, s)
		case RoleShop:
			shop = true
		case RoleBuyer:
			buyer = true
		}
	}
	if len(unknown) == 1 {
		switch {
		case shop && !buyer:
			roles[unknown[0]] = RoleBuyer
		case buyer && !shop:
			roles[unknown[0]] = RoleShop
		}
	}
	for i := range lines {
		if lines[i].Speaker != "" {
			lines[i].Role = roles[lines[i].Speaker]
		}
	}
}

// strongName reports whether a name says by its form that it is a speaker
// of a chat: a platform, a role word, a shop sub-account or a platform's
// buyer account.
func strongName(k string) bool {
	return systemNames[k] || shopWords[k] || buyerWords[k] || guessRole(k) != RoleUnknown
}

// subAccount reports whether a name (a key) is a Qianniu sub-account
// "店铺名:客服名": two names joined by one colon, the first not a field label.
func subAccount(k string) (shop string, ok bool) {
	i := strings.IndexByte(k, ':')
	if i <= 0 || i == len(k)-1 || strings.Count(k, ":") != 1 || strings.ContainsAny(k, " ") {
		return "", false
	}
	shop, agent := k[:i], k[i+1:]
	if labelWords[shop] || labelWords[agent] || isDigit(rune(shop[len(shop)-1])) || isDigit(rune(agent[0])) {
		return "", false
	}
	return shop, true
}

// guessRole guesses a speaker's role from the name alone.
func guessRole(k string) Role {
	if systemNames[k] {
		return RoleSystem
	}
	if shopWords[k] {
		return RoleShop
	}
	if buyerWords[k] {
		return RoleBuyer
	}
	if _, ok := subAccount(k); ok {
		return RoleShop
	}
	for _, m := range shopMarks {
		if strings.Contains(k, m) {
			return RoleShop
		}
	}
	if strings.HasSuffix(k, "店") || strings.Contains(k, "店-") || strings.Contains(k, "店_") {
		return RoleShop
	}
	for _, m := range shopMarksLatin {
		if containsWord(k, m) {
			return RoleShop
		}
	}
	for _, p := range buyerPrefixes {
		if strings.HasPrefix(k, p) && (p != "tb" || len(k) > 2 && isDigit(rune(k[2]))) {
			return RoleBuyer
		}
	}
	if containsWord(k, "customer") || containsWord(k, "buyer") {
		return RoleBuyer
	}
	return RoleUnknown
}
