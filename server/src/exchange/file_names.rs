//! The names of downloaded files ("Ryhmä 1 – Päivän 1 loppu.png") and the `Content-Disposition`
//! header that carries them, so a direct link saves the same name the web app gives.
//!
//! The web app has the same rules in `web/src/ui/export.ts` (`downloadName`); both are checked
//! against one table of cases, `server/src/exchange/file-name-cases.json`.

/// Characters that Windows or macOS refuse in a file name, replaced by a space.
const ILLEGAL_IN_FILE_NAMES: [char; 9] = ['<', '>', ':', '"', '/', '\\', '|', '?', '*'];
/// Joins the parts of a name: the board, the snapshot, the sheet.
const PART_SEPARATOR: &str = " – ";
/// Characters of a name before its extension: well below the 255 bytes file systems allow, even
/// when every character takes several bytes, and short enough to read in a download bar.
const MAX_NAME_CHARS: usize = 80;
/// Names Windows reserves for devices, whatever the extension.
const WINDOWS_DEVICE_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];
/// The name when every part is empty after cleaning.
const FALLBACK_NAME: &str = "kartta";

/// One part cleaned: illegal and control characters become spaces, whitespace runs become one
/// space, and the ends are trimmed of spaces and dots (Windows drops trailing dots).
fn clean_part(part: &str) -> String {
    let replaced: String = part
        .chars()
        .map(|ch| {
            if ch.is_control() || ILLEGAL_IN_FILE_NAMES.contains(&ch) {
                ' '
            } else {
                ch
            }
        })
        .collect();
    replaced
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|ch: char| ch == '.' || ch == ' ')
        .to_owned()
}

/// The file name of a download: the non-empty `parts` cleaned and joined with " – ", capped in
/// length, then `.extension`.
pub fn download_name(parts: &[&str], extension: &str) -> String {
    let joined = parts
        .iter()
        .map(|part| clean_part(part))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(PART_SEPARATOR);
    let mut base: String = joined.chars().take(MAX_NAME_CHARS).collect();
    // Cutting may leave a separator's dash or a space at the end.
    base = base.trim_end_matches([' ', '.', '–']).to_owned();
    if base.is_empty() {
        base = FALLBACK_NAME.to_owned();
    }
    if WINDOWS_DEVICE_NAMES
        .iter()
        .any(|device| device.eq_ignore_ascii_case(&base))
    {
        base.push('_');
    }
    format!("{base}.{extension}")
}

/// The name for clients that read only the plain `filename` parameter: Finnish and Swedish
/// letters without their dots, anything else outside printable ASCII as `_`.
pub fn ascii_fallback(name: &str) -> String {
    name.chars()
        .map(|ch| match ch {
            'ä' | 'å' | 'á' | 'à' => 'a',
            'Ä' | 'Å' | 'Á' | 'À' => 'A',
            'ö' | 'ó' | 'ø' => 'o',
            'Ö' | 'Ó' | 'Ø' => 'O',
            'é' | 'è' => 'e',
            'É' | 'È' => 'E',
            'ü' => 'u',
            'Ü' => 'U',
            '–' | '—' => '-',
            // `download_name` has removed quotes and backslashes; a hand-made name may not.
            '"' | '\\' => '_',
            ch if ch.is_ascii() && !ch.is_ascii_control() => ch,
            _ => '_',
        })
        .collect()
}

/// RFC 5987 percent-encoding of UTF-8: every byte outside `attr-char` as `%XX`.
fn percent_encode_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        let is_attr_char = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if is_attr_char {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): browsers that know `filename*`
/// save the UTF-8 name, older clients the ASCII one.
pub fn content_disposition(name: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(name),
        percent_encode_attr(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Case {
        parts: Vec<String>,
        extension: String,
        name: String,
    }

    /// The table the web app's `downloadName` is tested against too.
    #[test]
    fn names_follow_the_shared_table() {
        let cases: Vec<Case> =
            serde_json::from_str(include_str!("file-name-cases.json")).expect("the table parses");
        for case in cases {
            let parts: Vec<&str> = case.parts.iter().map(String::as_str).collect();
            assert_eq!(
                download_name(&parts, &case.extension),
                case.name,
                "{:?}",
                case.parts
            );
        }
    }

    #[test]
    fn the_header_carries_an_ascii_name_and_the_utf8_name() {
        assert_eq!(
            content_disposition("Ryhmä 1 – Päivän 1 loppu.png"),
            "attachment; filename=\"Ryhma 1 - Paivan 1 loppu.png\"; \
             filename*=UTF-8''Ryhm%C3%A4%201%20%E2%80%93%20P%C3%A4iv%C3%A4n%201%20loppu.png"
        );
        assert_eq!(ascii_fallback("a\"b\\c"), "a_b_c");
    }
}
