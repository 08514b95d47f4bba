//! The verification QR code as a small SVG: one path of unit squares, with the quiet zone
//! the standard asks for, error correction level M (survives a fold or a stain).

use std::fmt::Write;

pub fn svg(text: &str) -> Result<String, String> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).map_err(|e| e.to_string())?;
    let width = code.width();
    let colors = code.to_colors();
    const QUIET: usize = 4;
    let size = width + 2 * QUIET;
    let mut path = String::with_capacity(width * width * 4);
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let _ = write!(path, "M{} {}h1v1h-1z", i % width + QUIET, i / width + QUIET);
        }
    }
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}
