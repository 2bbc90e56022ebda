//! SMS through an HTTP gateway: the JSON body it takes (`to`, `text`) and the phone numbers
//! it is given.

/// The longest SMS text sent (three concatenated segments of 160 GSM characters); the rest
/// of the message is cut.
pub(super) const SMS_CHARS: usize = 480;

/// The gateway's request body.
pub(super) fn body(to: &str, text: &str) -> Vec<u8> {
    let text: String = text.chars().take(SMS_CHARS).collect();
    serde_json::json!({ "to": to, "text": text })
        .to_string()
        .into_bytes()
}

/// Whether `phone` is an international number: `+` and 7 to 15 digits (E.164).
pub(super) fn check_phone(phone: &str) -> Result<(), String> {
    let digits = phone.strip_prefix('+').unwrap_or("");
    if (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "{phone} is not a phone number in international format (+ and 7 to 15 digits)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_cut_at_480_characters_not_bytes() {
        let long = "Ы".repeat(500);
        let v: serde_json::Value = serde_json::from_slice(&body("+79161234567", &long)).unwrap();
        assert_eq!(v["to"], "+79161234567");
        assert_eq!(v["text"].as_str().unwrap().chars().count(), 480);
        let v: serde_json::Value = serde_json::from_slice(&body("+7916", "short")).unwrap();
        assert_eq!(v["text"], "short");
    }

    #[test]
    fn phone_numbers_must_be_international() {
        assert_eq!(check_phone("+79161234567"), Ok(()));
        for bad in [
            "89161234567",
            "+7 916 123-45-67",
            "+123",
            "+1234567890123456",
            "",
        ] {
            assert!(check_phone(bad).is_err(), "{bad}");
        }
    }
}
