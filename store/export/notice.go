package export

// RedisclosureNotice is the statement that must accompany a disclosure of
// records protected by 42 CFR part 2 (42 CFR 2.32(a)(1), as amended in
// 2024). Every owg export that contains identifying data starts with it.
const RedisclosureNotice = `NOTICE OF PROHIBITION ON RE-DISCLOSURE (42 CFR 2.32)

This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony that describes the information contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, State, or local authority, against the patient, unless authorized by the consent of the patient, except as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of the following applies: (i) Further use or disclosure is expressly permitted by the written consent of the individual whose information is being disclosed in this record or as otherwise permitted by 42 CFR part 2. (ii) You are a covered entity or business associate and have received the record for treatment, payment, or health care operations, or (iii) You have received the record from a covered entity or business associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for the release of medical or other information is NOT sufficient to meet the required elements of written consent to further use or redisclose the record (see 42 CFR 2.31).`

// withNotice puts the notice, as a Markdown block quote, above body.
func withNotice(body string) string {
	return "> " + replaceNewlines(RedisclosureNotice, "\n> ") + "\n\n---\n\n" + body
}

func replaceNewlines(s, with string) string {
	out := make([]byte, 0, len(s)+64)
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, with...)
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}
