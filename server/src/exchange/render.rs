//! The server's one drawing of a board, as SVG: used for exports and for the facilitator's
//! overview thumbnails, and rasterised into PNG exports.
//!
//! Geometry follows the web app (`web/src/render`): an actor card is centred on its position,
//! as wide and as tall as its name needs (`kartta_protocol::card`, the layout the canvas uses
//! too); a note's position is its top-left corner, templates are centred on the origin.
//! Every piece of user text is escaped, so a name like `<script>` stays text.

use std::fmt::Write;

use kartta_protocol::api::BoardExport;
use kartta_protocol::card;
use kartta_protocol::placement::{
    arc_label as arc_label_at, sector_angles, RING_LABEL_ANGLE, RING_RADII, SECTOR_RADIUS,
    TEMPLATE_LABEL_SIZE,
};
use kartta_protocol::schema::{
    ActorView, Direction, Locale, NoteVariant, RelationStatus, Ring, Sector, StrokeTool, Template,
};
use kartta_protocol::style::{actor_style, relation_color, status_dash, strength_width};

const MARGIN: f64 = 60.0;
const FONT: &str = "DejaVu Sans, Liberation Sans, Arial, sans-serif";

/// A box in board coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Bounds {
    fn around(points: impl IntoIterator<Item = (f64, f64)>) -> Option<Bounds> {
        let mut iter = points
            .into_iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite());
        let (x0, y0) = iter.next()?;
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (x0, y0, x0, y0);
        for (x, y) in iter {
            min_x = min_x.min(x);
            min_y = min_y.min(y);
            max_x = max_x.max(x);
            max_y = max_y.max(y);
        }
        Some(Bounds {
            x: min_x,
            y: min_y,
            width: max_x - min_x,
            height: max_y - min_y,
        })
    }
}

fn dash_attribute(status: RelationStatus) -> String {
    match status_dash(status) {
        "" => String::new(),
        dash => format!(" stroke-dasharray=\"{dash}\""),
    }
}

/// Template labels in the board's language (Finnish when it has none).
fn template_label(locale: Locale, key: &str) -> &'static str {
    let [fi, sv, en] = match key {
        "core" => ["Ydin", "Kärna", "Core"],
        "close" => ["Läheiset kumppanit", "Nära partner", "Close partners"],
        "wider" => ["Laajempi verkosto", "Bredare nätverk", "Wider network"],
        "public" => ["Julkinen sektori", "Offentlig sektor", "Public sector"],
        "education_research" => [
            "Koulutus ja tutkimus",
            "Utbildning och forskning",
            "Education and research",
        ],
        "business" => ["Yritykset", "Näringsliv", "Business"],
        "third_sector" => ["Kolmas sektori", "Tredje sektorn", "Third sector"],
        "residents" => ["Asukkaat", "Invånare", "Residents"],
        "hierarchy" => ["Hierarkia", "Hierarki", "Hierarchy"],
        "market" => ["Markkinat", "Marknad", "Market"],
        "network" => ["Verkosto", "Nätverk", "Network"],
        "ecosystem" => ["Ekosysteemi", "Ekosystem", "Ecosystem"],
        _ => ["", "", ""],
    };
    match locale {
        Locale::Fi => fi,
        Locale::Sv => sv,
        Locale::En => en,
    }
}

/// Escapes text for SVG/XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A hex colour from user data, or the fallback: only `#rgb` / `#rrggbb` ever reach the SVG.
fn safe_color<'a>(color: &'a str, fallback: &'a str) -> &'a str {
    let hex = color.strip_prefix('#').unwrap_or("");
    if (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        color
    } else {
        fallback
    }
}

fn template_bounds(template: Template) -> Option<Bounds> {
    match template {
        Template::Rings => Some(Bounds {
            x: -1000.0,
            y: -1000.0,
            width: 2000.0,
            height: 2000.0,
        }),
        Template::Sectors => Some(Bounds {
            x: -1040.0,
            y: -1040.0,
            width: 2080.0,
            height: 2080.0,
        }),
        Template::HierarchyMarketNetwork => Some(Bounds {
            x: -960.0,
            y: -830.0,
            width: 1920.0,
            height: 1460.0,
        }),
        Template::Blank => None,
    }
}

/// What the drawing covers: every element, the template, and a margin.
pub fn bounds(board: &BoardExport) -> Bounds {
    area(board, true)
}

fn area(board: &BoardExport, with_template: bool) -> Bounds {
    let mut corners: Vec<(f64, f64)> = Vec::new();
    for actor in &board.actors {
        let (half_width, half_height) = (card_width(actor) / 2.0, card_height(actor) / 2.0);
        corners.push((actor.x - half_width, actor.y - half_height));
        corners.push((actor.x + half_width, actor.y + half_height));
    }
    for note in &board.notes {
        corners.push((note.x, note.y));
        corners.push((note.x + note.width, note.y + note.height));
    }
    for stroke in &board.strokes {
        corners.extend(
            stroke
                .points
                .chunks_exact(3)
                .map(|point| (point[0], point[1])),
        );
    }
    let template_area =
        template_bounds(board.meta.template).filter(|_| with_template || corners.is_empty());
    if let Some(template) = template_area {
        corners.push((template.x, template.y));
        corners.push((template.x + template.width, template.y + template.height));
    }
    let inner = Bounds::around(corners).unwrap_or(Bounds {
        x: -400.0,
        y: -300.0,
        width: 800.0,
        height: 600.0,
    });
    Bounds {
        x: inner.x - MARGIN,
        y: inner.y - MARGIN,
        width: inner.width + 2.0 * MARGIN,
        height: inner.height + 2.0 * MARGIN,
    }
}

/// The board as a standalone SVG document.
pub fn svg(board: &BoardExport) -> String {
    draw(board, bounds(board))
}

/// What an exported picture says around the drawing, so it can be shown or printed alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    pub workshop_title: String,
    /// The workshop's language: the date, the legend's words and the title's fallback.
    pub locale: Locale,
    /// Unix seconds: when the board was exported, or when the snapshot was taken.
    pub at: i64,
    /// Where the workshop is: the date is its wall-clock date there (`--time-zone`).
    pub time_zone: jiff::tz::TimeZone,
}

/// The board as an exported picture: a title block above the drawing (board title, workshop
/// title, date) and a legend below it of the actor kinds and relation styles the board uses.
pub fn presentable_svg(board: &BoardExport, caption: &Caption) -> String {
    let map = bounds(board);
    // Text is sized to the picture, so a wide map's title reads as well as a small one's.
    let scale = (map.width / 1200.0).max(1.0);
    let legend = legend_items(board, caption.locale);
    let legend_rows = legend_rows(&legend, map.width, scale);
    let title_band = 120.0 * scale;
    let legend_band = if legend_rows.is_empty() {
        0.0
    } else {
        (24.0 + legend_rows.len() as f64 * LEGEND_ROW * 1.0 + 16.0) * scale
    };
    let whole = Bounds {
        x: map.x,
        y: map.y - title_band,
        width: map.width,
        height: map.height + title_band + legend_band,
    };
    let drawing = draw(board, map);
    let inner = drawing
        .find("</title>")
        .map(|end| end + "</title>".len())
        .unwrap_or(0);
    let mut out = String::with_capacity(drawing.len() + 4096);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{:.1} {:.1} {:.1} {:.1}\" width=\"{:.0}\" height=\"{:.0}\" font-family=\"{FONT}\">",
        whole.x, whole.y, whole.width, whole.height, whole.width, whole.height
    );
    let title = if board.meta.title.trim().is_empty() {
        untitled(caption.locale)
    } else {
        board.meta.title.as_str()
    };
    let _ = write!(out, "<title>{}</title>", escape(title));
    let _ = write!(
        out,
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#ffffff\"/>",
        whole.x, whole.y, whole.width, whole.height
    );
    let left = map.x + MARGIN;
    let _ = write!(
        out,
        "<text class=\"k-caption-title\" x=\"{left:.1}\" y=\"{:.1}\" font-size=\"{:.1}\" font-weight=\"700\" fill=\"#111827\">{}</text>",
        whole.y + 56.0 * scale,
        36.0 * scale,
        escape(title)
    );
    let subtitle: Vec<String> = [
        caption.workshop_title.trim().to_owned(),
        date_text(caption.at, &caption.time_zone, caption.locale),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect();
    let _ = write!(
        out,
        "<text class=\"k-caption-subtitle\" x=\"{left:.1}\" y=\"{:.1}\" font-size=\"{:.1}\" fill=\"#4b5563\">{}</text>",
        whole.y + 94.0 * scale,
        22.0 * scale,
        escape(&subtitle.join(" · "))
    );
    // The drawing itself, nested so its own coordinates stay as they are.
    let _ = write!(
        out,
        "<svg x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" viewBox=\"{:.1} {:.1} {:.1} {:.1}\">",
        map.x, map.y, map.width, map.height, map.x, map.y, map.width, map.height
    );
    out.push_str(&drawing[inner..]);
    let legend_top = map.y + map.height;
    for (row_index, row) in legend_rows.iter().enumerate() {
        let y = legend_top + (24.0 + row_index as f64 * LEGEND_ROW + LEGEND_ROW / 2.0) * scale;
        for (x_offset, item) in row {
            let x = left + x_offset * scale;
            legend_item(&mut out, item, x, y, scale);
        }
    }
    out.push_str("</svg>");
    out
}

/// Height of one row of the legend, and the room a swatch takes before its label.
const LEGEND_ROW: f64 = 36.0;
const LEGEND_SWATCH: f64 = 44.0;
const LEGEND_GAP: f64 = 28.0;
/// Average width of a character of the legend's 18 px labels.
const LEGEND_CHAR_WIDTH: f64 = 10.0;

/// One entry of the legend: an actor kind (its shape and colour) or a relation style.
#[derive(Debug, Clone, PartialEq)]
pub enum LegendItem {
    Kind {
        label: &'static str,
        color: &'static str,
        shape: &'static str,
    },
    Relation {
        label: &'static str,
        color: &'static str,
        dash: &'static str,
    },
}

impl LegendItem {
    fn label(&self) -> &'static str {
        match self {
            LegendItem::Kind { label, .. } | LegendItem::Relation { label, .. } => label,
        }
    }
}

/// The actor kinds, relation kinds and relation statuses the board uses, each once, in the
/// order of their codes; a status is listed only when it is not the plain line ("existing").
pub fn legend_items(board: &BoardExport, locale: Locale) -> Vec<LegendItem> {
    use crate::exchange::csv_sheets::labels;
    use kartta_protocol::schema::{ActorKind, RelationKind};
    let mut kinds: Vec<ActorKind> = board.actors.iter().map(|actor| actor.kind).collect();
    kinds.sort_by_key(|kind| kind.code());
    kinds.dedup();
    let mut relation_kinds: Vec<RelationKind> = board
        .relations
        .iter()
        .map(|relation| relation.kind)
        .collect();
    relation_kinds.sort_by_key(|kind| kind.code());
    relation_kinds.dedup();
    let mut statuses: Vec<RelationStatus> = board
        .relations
        .iter()
        .map(|relation| relation.status)
        .filter(|status| !status_dash(*status).is_empty())
        .collect();
    statuses.sort_by_key(|status| status.code());
    statuses.dedup();
    let mut items: Vec<LegendItem> = kinds
        .into_iter()
        .map(|kind| {
            let style = actor_style(kind);
            LegendItem::Kind {
                label: labels::actor_kind(kind, locale),
                color: style.color,
                shape: style.shape,
            }
        })
        .collect();
    items.extend(relation_kinds.into_iter().map(|kind| LegendItem::Relation {
        label: labels::relation_kind(kind, locale),
        color: relation_color(kind),
        dash: "",
    }));
    items.extend(statuses.into_iter().map(|status| LegendItem::Relation {
        label: labels::status(status, locale),
        color: "#475569",
        dash: status_dash(status),
    }));
    items
}

/// The legend's items in rows that fit `width` (in units of the unscaled legend), each with its
/// offset from the left edge.
fn legend_rows(items: &[LegendItem], width: f64, scale: f64) -> Vec<Vec<(f64, LegendItem)>> {
    let room = (width / scale - 2.0 * MARGIN).max(200.0);
    let mut rows: Vec<Vec<(f64, LegendItem)>> = Vec::new();
    let mut x = 0.0;
    for item in items {
        let item_width =
            LEGEND_SWATCH + item.label().chars().count() as f64 * LEGEND_CHAR_WIDTH + LEGEND_GAP;
        if rows.is_empty() || (x + item_width > room && x > 0.0) {
            rows.push(Vec::new());
            x = 0.0;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, item.clone()));
        }
        x += item_width;
    }
    rows
}

fn legend_item(out: &mut String, item: &LegendItem, x: f64, y: f64, scale: f64) {
    match item {
        LegendItem::Kind { color, shape, .. } => {
            let _ = write!(
                out,
                "<path d=\"{shape}\" transform=\"translate({:.1} {y:.1}) scale({:.2})\" fill=\"{color}\"/>",
                x + 14.0 * scale,
                scale * 0.9
            );
        }
        LegendItem::Relation { color, dash, .. } => {
            let dash = if dash.is_empty() {
                String::new()
            } else {
                format!(" stroke-dasharray=\"{dash}\"")
            };
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" stroke-width=\"{:.1}\" stroke-linecap=\"round\"{dash}/>",
                x + 32.0 * scale,
                3.0 * scale
            );
        }
    }
    let _ = write!(
        out,
        "<text class=\"k-legend-label\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"{:.1}\" fill=\"#1f2933\">{}</text>",
        x + LEGEND_SWATCH * scale,
        y + 6.0 * scale,
        18.0 * scale,
        escape(item.label())
    );
}

fn untitled(locale: Locale) -> &'static str {
    match locale {
        Locale::Fi => "Nimetön kartta",
        Locale::Sv => "Namnlös karta",
        Locale::En => "Untitled map",
    }
}

/// A date as people of `locale` write it: 3.12.2026, 3 december 2026, 3 December 2026, on the
/// wall calendar of `time_zone` (an export just after midnight in Finland carries that day).
pub fn date_text(unix_seconds: i64, time_zone: &jiff::tz::TimeZone, locale: Locale) -> String {
    let local = crate::exchange::local_time::local_date_time(unix_seconds, time_zone);
    let (year, month, day) = (local.year(), local.month(), local.day());
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month_index = usize::try_from(month)
        .unwrap_or(1)
        .saturating_sub(1)
        .min(11);
    match locale {
        Locale::Fi => format!("{day}.{month}.{year}"),
        Locale::Sv => format!("{day} {} {year}", SV[month_index]),
        Locale::En => format!("{day} {} {year}", EN[month_index]),
    }
}

/// The board cropped to what is drawn on it (the template shows behind it), for overviews
/// where the whole template would make the actors too small to read.
pub fn thumbnail_svg(board: &BoardExport) -> String {
    draw(board, area(board, false))
}

fn draw(board: &BoardExport, area: Bounds) -> String {
    let locale = board.meta.locale.unwrap_or(Locale::Fi);
    let mut out = String::with_capacity(4096 + board.actors.len() * 600);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{:.1} {:.1} {:.1} {:.1}\" width=\"{:.0}\" height=\"{:.0}\" font-family=\"{FONT}\">",
        area.x, area.y, area.width, area.height, area.width, area.height
    );
    let _ = write!(out, "<title>{}</title>", escape(&board.meta.title));
    let _ = write!(
        out,
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#ffffff\"/>",
        area.x, area.y, area.width, area.height
    );
    template(&mut out, board.meta.template, locale);
    for stroke in &board.strokes {
        let color = safe_color(&stroke.color, "#1f2933");
        let (opacity, width) = match stroke.tool {
            StrokeTool::Pen => (1.0, stroke.width),
            StrokeTool::Highlighter => (0.35, stroke.width * 3.0),
        };
        let mut path = String::new();
        for (index, point) in stroke.points.chunks_exact(3).enumerate() {
            let _ = write!(
                path,
                "{}{:.1} {:.1}",
                if index == 0 { "M" } else { "L" },
                point[0],
                point[1]
            );
        }
        if !path.is_empty() {
            let _ = write!(
                out,
                "<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{width:.1}\" stroke-opacity=\"{opacity}\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>"
            );
        }
    }
    for relation in &board.relations {
        let (Some(from), Some(to)) = (
            find(&board.actors, &relation.from),
            find(&board.actors, &relation.to),
        ) else {
            continue;
        };
        relation_line(&mut out, from, to, relation);
    }
    for note in &board.notes {
        note_box(&mut out, note);
    }
    for actor in &board.actors {
        actor_card(&mut out, actor);
    }
    out.push_str("</svg>");
    out
}

fn find<'a>(actors: &'a [ActorView], id: &str) -> Option<&'a ActorView> {
    actors.iter().find(|actor| actor.id == id)
}

fn label(out: &mut String, text: &str, x: f64, y: f64) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"40\" font-weight=\"600\" fill=\"#64748b\">{}</text>",
        escape(text)
    );
}

/// A ring's or sector's name along its outer edge (`placement::arc_label`, as the canvas draws
/// it), behind a halo of the area's own fill so it reads over the line.
fn arc_label(out: &mut String, text: &str, radius: f64, angle: f64, halo: &str) {
    let (x, y, rotation) = arc_label_at(radius, angle);
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" dy=\"0.35em\" transform=\"rotate({rotation:.1} {x:.1} {y:.1})\" text-anchor=\"middle\" font-size=\"{TEMPLATE_LABEL_SIZE}\" font-weight=\"600\" letter-spacing=\"1\" fill=\"#64748b\" stroke=\"{halo}\" stroke-width=\"6\" stroke-linejoin=\"round\" paint-order=\"stroke\">{}</text>",
        escape(text)
    );
}

fn template(out: &mut String, template: Template, locale: Locale) {
    let line = "stroke=\"#cbd5e1\" stroke-width=\"2\"";
    let fills = ["#f1f5f9", "#f8fafc"];
    match template {
        Template::Blank => {}
        Template::Rings => {
            for (index, radius) in RING_RADII.iter().rev().enumerate() {
                let _ = write!(
                    out,
                    "<circle cx=\"0\" cy=\"0\" r=\"{radius}\" fill=\"{}\" {line}/>",
                    fills[index % 2]
                );
            }
            for (index, key) in Ring::ALL.iter().map(|ring| ring.code()).enumerate() {
                // The circles are drawn outermost first, so ring `index` has the fill of
                // position `len - 1 - index` in that order.
                let halo = fills[(RING_RADII.len() - 1 - index) % 2];
                let text = template_label(locale, key);
                arc_label(out, text, RING_RADII[index], RING_LABEL_ANGLE, halo);
            }
        }
        Template::Sectors => {
            for (index, key) in Sector::ALL.iter().map(|sector| sector.code()).enumerate() {
                let (a0, a1) = sector_angles(index);
                let r = SECTOR_RADIUS;
                let _ = write!(
                    out,
                    "<path d=\"M0 0L{:.1} {:.1}A{r} {r} 0 0 1 {:.1} {:.1}Z\" fill=\"{}\" {line}/>",
                    r * a0.cos(),
                    r * a0.sin(),
                    r * a1.cos(),
                    r * a1.sin(),
                    fills[index % 2]
                );
                let text = template_label(locale, key);
                arc_label(out, text, r, (a0 + a1) / 2.0, fills[index % 2]);
            }
        }
        Template::HierarchyMarketNetwork => {
            let _ = write!(
                out,
                "<path d=\"M0 -760L900 560L-900 560Z\" fill=\"{}\" {line}/>",
                fills[0]
            );
            let _ = write!(out, "<circle cx=\"0\" cy=\"120\" r=\"180\" fill=\"none\" stroke-dasharray=\"10 10\" {line}/>");
            label(out, template_label(locale, "hierarchy"), 0.0, -790.0);
            label(out, template_label(locale, "market"), -900.0, 610.0);
            label(out, template_label(locale, "network"), 900.0, 610.0);
            label(out, template_label(locale, "ecosystem"), 0.0, 130.0);
        }
    }
}

/// Where the segment from the centre of a card `width` × `height` towards (dx, dy) leaves the
/// card (with a small gap), as a fraction of the segment.
fn card_exit(dx: f64, dy: f64, width: f64, height: f64) -> f64 {
    let tx = if dx.abs() > f64::EPSILON {
        (width / 2.0 + 4.0) / dx.abs()
    } else {
        f64::INFINITY
    };
    let ty = if dy.abs() > f64::EPSILON {
        (height / 2.0 + 4.0) / dy.abs()
    } else {
        f64::INFINITY
    };
    tx.min(ty).min(1.0)
}

fn arrowhead(out: &mut String, tip: (f64, f64), direction: (f64, f64), color: &str, width: f64) {
    let length = (direction.0.powi(2) + direction.1.powi(2))
        .sqrt()
        .max(f64::EPSILON);
    let (ux, uy) = (direction.0 / length, direction.1 / length);
    let size = 10.0 + width * 1.5;
    let base = (tip.0 - ux * size, tip.1 - uy * size);
    let (px, py) = (-uy * size * 0.5, ux * size * 0.5);
    let _ = write!(
        out,
        "<path d=\"M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z\" fill=\"{color}\"/>",
        tip.0,
        tip.1,
        base.0 + px,
        base.1 + py,
        base.0 - px,
        base.1 - py
    );
}

fn relation_line(
    out: &mut String,
    from: &ActorView,
    to: &ActorView,
    relation: &kartta_protocol::schema::RelationView,
) {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    if dx.abs() < 1.0 && dy.abs() < 1.0 {
        return;
    }
    let start_t = card_exit(dx, dy, card_width(from), card_height(from));
    let end_t = card_exit(-dx, -dy, card_width(to), card_height(to));
    let start = (from.x + dx * start_t, from.y + dy * start_t);
    let end = (to.x - dx * end_t, to.y - dy * end_t);
    let color = relation_color(relation.kind);
    let width = strength_width(relation.strength);
    let _ = write!(
        out,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"{width}\" stroke-linecap=\"round\"{}/>",
        start.0,
        start.1,
        end.0,
        end.1,
        dash_attribute(relation.status)
    );
    if matches!(relation.direction, Direction::OneWay | Direction::BothWays) {
        arrowhead(out, end, (dx, dy), color, width);
    }
    if relation.direction == Direction::BothWays {
        arrowhead(out, start, (-dx, -dy), color, width);
    }
    if !relation.label.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1f2933\" stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\">{}</text>",
            (start.0 + end.0) / 2.0,
            (start.1 + end.1) / 2.0 - 6.0,
            escape(&relation.label)
        );
    }
}

/// Average width of a character of a sticky note's 15 px text, and of a label's 20 px bold
/// text, as the canvas counts them (`web/src/render/elements.ts`).
const NOTE_CHAR_WIDTH: f64 = 8.0;
const LABEL_CHAR_WIDTH: f64 = 11.0;
const NOTE_LINE_HEIGHT: f64 = 19.0;
const LABEL_LINE_HEIGHT: f64 = 24.0;
const LABEL_MAX_LINES: usize = 6;

/// Breaks `text` into lines of at most `max_chars` characters at spaces (a longer word is cut),
/// keeping its own line breaks; past `max_lines` the last line ends in an ellipsis. The same
/// rule as the canvas's `wrapText` (`web/src/render/svg.ts`), so an export wraps a note as the
/// board shows it.
pub fn wrap_text(text: &str, max_chars: usize, max_lines: usize) -> Vec<String> {
    let max_chars = max_chars.max(1);
    let max_lines = max_lines.max(1);
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_chars = 0;
        for word in paragraph.split_whitespace() {
            let mut rest: Vec<char> = word.chars().collect();
            while rest.len() > max_chars {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line_chars = 0;
                lines.push(rest[..max_chars].iter().collect());
                rest.drain(..max_chars);
            }
            if line.is_empty() {
                line = rest.iter().collect();
                line_chars = rest.len();
            } else if line_chars + 1 + rest.len() <= max_chars {
                line.push(' ');
                line.extend(rest.iter());
                line_chars += 1 + rest.len();
            } else {
                lines.push(std::mem::replace(&mut line, rest.iter().collect()));
                line_chars = rest.len();
            }
        }
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let kept: String = last.chars().take(max_chars.saturating_sub(1)).collect();
            *last = format!("{kept}…");
        }
    }
    lines
}

fn note_box(out: &mut String, note: &kartta_protocol::schema::NoteView) {
    match note.variant {
        NoteVariant::Sticky => {
            let fill = safe_color(&note.color, "#fef08a");
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"{fill}\" stroke=\"#d6c25a\"/>",
                note.x, note.y, note.width, note.height
            );
            let max_chars = (((note.width - 20.0) / NOTE_CHAR_WIDTH).floor() as usize).max(4);
            let max_lines = (((note.height - 16.0) / NOTE_LINE_HEIGHT).floor() as usize).max(1);
            for (index, line) in wrap_text(&note.body, max_chars, max_lines)
                .iter()
                .enumerate()
            {
                let _ = write!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"15\" fill=\"#1f2933\">{}</text>",
                    note.x + 10.0,
                    note.y + 24.0 + index as f64 * NOTE_LINE_HEIGHT,
                    escape(line)
                );
            }
        }
        NoteVariant::Label => {
            let color = safe_color(&note.color, "#1f2933");
            let max_chars = ((note.width / LABEL_CHAR_WIDTH).floor() as usize).max(4);
            for (index, line) in wrap_text(&note.body, max_chars, LABEL_MAX_LINES)
                .iter()
                .enumerate()
            {
                let _ = write!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"20\" font-weight=\"600\" fill=\"{color}\">{}</text>",
                    note.x,
                    note.y + 24.0 + index as f64 * LABEL_LINE_HEIGHT,
                    escape(line)
                );
            }
        }
    }
}

/// Whether a card has the line of influence and alias under its name.
fn has_details(actor: &ActorView) -> bool {
    actor.influence.is_some() || !actor.alias.is_empty()
}

/// The card's height in board units: it grows with the lines its name wraps onto.
fn card_height(actor: &ActorView) -> f64 {
    let lines = card::name_layout(&actor.name).lines.len();
    f64::from(card::card_height(lines, has_details(actor)))
}

/// The card's width in board units: as wide as its name and details line need.
fn card_width(actor: &ActorView) -> f64 {
    f64::from(card::actor_card_width(
        &actor.name,
        actor.influence,
        &actor.alias,
    ))
}

fn actor_card(out: &mut String, actor: &ActorView) {
    let style = actor_style(actor.kind);
    let (color, shape) = (style.color, style.shape);
    let layout = card::name_layout(&actor.name);
    let details = has_details(actor);
    let details_text = card::details_line(actor.influence, &actor.alias);
    let width = f64::from(card::card_width(&layout, &details_text));
    let height = f64::from(card::card_height(layout.lines.len(), details));
    let (left, top) = (actor.x - width / 2.0, actor.y - height / 2.0);
    // The whole name as a tooltip, also when the card shows it shortened.
    let _ = write!(
        out,
        "<g><title>{}</title><rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{width}\" height=\"{height}\" rx=\"10\" fill=\"#ffffff\" stroke=\"{color}\" stroke-width=\"2\"/>\
         <path d=\"{shape}\" transform=\"translate({:.1} {:.1})\" fill=\"{color}\"/>",
        escape(&actor.name),
        left + 20.0,
        actor.y,
    );
    // The name and the details line form one block, centred in the card.
    let line_height = f64::from(card::NAME_LINE_HEIGHT);
    let name_block = layout.lines.len().max(1) as f64 * line_height;
    let details_height = if details {
        f64::from(card::DETAILS_LINE_HEIGHT)
    } else {
        0.0
    };
    let block_top = actor.y - (name_block + details_height) / 2.0;
    let size = layout.font_size;
    let text_left = left + f64::from(card::NAME_LEFT);
    for (index, line) in layout.lines.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{text_left:.1}\" y=\"{:.1}\" font-size=\"{size}\" font-weight=\"600\" fill=\"#1f2933\">{}</text>",
            block_top + index as f64 * line_height + f64::from(size) - 2.0,
            escape(line)
        );
    }
    if details {
        let _ = write!(
            out,
            "<text x=\"{text_left:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#475467\">{}</text>",
            block_top + name_block + 10.0,
            escape(&details_text)
        );
    }
    out.push_str("</g>");
}

/// Longest side of a PNG export, in pixels.
const MAX_PNG_SIDE: f32 = 4096.0;

fn fonts() -> std::sync::Arc<resvg::usvg::fontdb::Database> {
    static FONTS: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut database = resvg::usvg::fontdb::Database::new();
            // The machine's fonts (DejaVu or Liberation on Debian); without any, text is left out.
            database.load_system_fonts();
            std::sync::Arc::new(database)
        })
        .clone()
}

/// The SVG rasterised to PNG, at most [`MAX_PNG_SIDE`] pixels on its longest side.
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    let options = resvg::usvg::Options {
        fontdb: fonts(),
        ..resvg::usvg::Options::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|error| error.to_string())?;
    let size = tree.size();
    let scale = (MAX_PNG_SIDE / size.width().max(size.height())).min(1.0);
    let width = (size.width() * scale).ceil().max(1.0) as u32;
    let height = (size.height() * scale).ceil().max(1.0) as u32;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(width, height).ok_or("the drawing has no area")?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kartta_protocol::schema::{ActorKind, MetaView, RelationKind, RelationView, Strength};

    fn actor(id: &str, name: &str, x: f64) -> ActorView {
        ActorView {
            x,
            ..ActorView::new(id, name, ActorKind::Funder)
        }
    }

    fn board() -> BoardExport {
        BoardExport {
            format: "kartta-board".into(),
            version: 1,
            meta: MetaView {
                title: "T&T".into(),
                template: Template::Sectors,
                locale: Some(Locale::Sv),
                locked: false,
                timer_ends_at: None,
                presenting: None,
                merged_from: Vec::new(),
                merged_groups: Vec::new(),
                vote: None,
                last_restore: None,
            },
            actors: vec![
                actor("a", "<script>alert('x')</script>", 0.0),
                actor("b", "Åbo Akademi", 400.0),
            ],
            relations: vec![RelationView {
                id: "r".into(),
                from: "a".into(),
                to: "b".into(),
                kind: RelationKind::Funding,
                label: "€ & more".into(),
                direction: Direction::OneWay,
                strength: Strength::Strong,
                coordination: None,
                status: RelationStatus::Desired,
                sources: Vec::new(),
                other_kinds: Vec::new(),
                support: None,
            }],
            notes: vec![],
            strokes: vec![],
        }
    }

    #[test]
    fn an_exported_picture_has_a_title_block_and_a_legend_of_what_the_board_uses() {
        let mut board = board();
        board.meta.title = "Ryhmä 1".into();
        board.actors[1].kind = ActorKind::EducationResearch;
        board.actors.push(actor("c", "Rahasto", 800.0));
        let caption = Caption {
            workshop_title: "Kumppanuusfoorumi".into(),
            locale: Locale::Fi,
            at: 1_764_720_000, // 3 December 2025, 00:00 UTC
            time_zone: crate::exchange::local_time::default_time_zone(),
        };
        let drawn = presentable_svg(&board, &caption);
        assert!(drawn.contains(">Ryhmä 1</text>"), "the board's title");
        assert!(
            drawn.contains(">Kumppanuusfoorumi · 3.12.2025</text>"),
            "the workshop and the date in Finnish"
        );
        let labels: Vec<&str> = drawn
            .split("<text class=\"k-legend-label\"")
            .skip(1)
            .map(|element| {
                element
                    .split('>')
                    .nth(1)
                    .unwrap()
                    .split('<')
                    .next()
                    .unwrap()
            })
            .collect();
        // Funder twice and education once; one funding relation, desired (a dashed line).
        assert_eq!(
            labels,
            [
                "Koulutus tai tutkimus",
                "Rahoittaja",
                "Rahoitus",
                "Toivottu"
            ]
        );
        let helsinki = &caption.time_zone;
        assert_eq!(
            date_text(caption.at, helsinki, Locale::Sv),
            "3 december 2025"
        );
        assert_eq!(
            date_text(951_782_400, helsinki, Locale::En),
            "29 February 2000"
        );
        // Half past ten at night in UTC is already the next day in Finland: the picture says so.
        let late = Caption {
            at: 1_764_714_600, // 2 December 2025, 22:30 UTC
            ..caption.clone()
        };
        assert!(
            presentable_svg(&board, &late).contains(">Kumppanuusfoorumi · 3.12.2025</text>"),
            "the date in Helsinki"
        );
        assert_eq!(
            date_text(late.at, &jiff::tz::TimeZone::UTC, Locale::Fi),
            "2.12.2025"
        );
        let png = png(&drawn).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn sticky_note_text_wraps_inside_the_note_as_the_canvas_wraps_it() {
        let mut board = board();
        let note = kartta_protocol::schema::NoteView {
            id: "n".into(),
            x: 100.0,
            y: 50.0,
            width: 180.0,
            height: 120.0,
            color: "#fef08a".into(),
            variant: NoteVariant::Sticky,
            body: "Yhteinen hankehakemus maakunnan kehittämisrahastoon keväällä\nSeuraava tapaaminen: Varsinais-Suomen-elinkeinoelämänkeskus ja yliopisto ja kaupunki ja kunnat"
                .into(),
        };
        board.notes.push(note.clone());
        let drawn = svg(&board);
        let texts: Vec<(f64, f64, String)> = drawn
            .split("<text ")
            .skip(1)
            .filter(|element| element.contains("font-size=\"15\""))
            .map(|element| {
                let number = |name: &str| -> f64 {
                    let start = element.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                    element[start..].split('"').next().unwrap().parse().unwrap()
                };
                let text = element
                    .split('>')
                    .nth(1)
                    .unwrap()
                    .split('<')
                    .next()
                    .unwrap();
                (number("x"), number("y"), text.to_owned())
            })
            .collect();
        assert!(
            texts.len() > 2,
            "the long text takes several lines: {texts:?}"
        );
        for (x, y, text) in &texts {
            let width = text.chars().count() as f64 * NOTE_CHAR_WIDTH;
            assert!(
                *x >= note.x && x + width <= note.x + note.width - 10.0,
                "{text:?} runs outside the note"
            );
            assert!(
                *y <= note.y + note.height - 4.0,
                "{text:?} runs below the note"
            );
        }
        assert!(
            texts.last().unwrap().2.ends_with('…'),
            "what does not fit ends in an ellipsis"
        );
        assert_eq!(
            wrap_text("Turun kaupunki ja yliopisto", 12, 5),
            ["Turun", "kaupunki ja", "yliopisto"]
        );
    }

    #[test]
    fn user_text_is_escaped_and_everything_is_drawn() {
        let svg = svg(&board());
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"));
        assert!(svg.contains("Åbo Akademi"));
        assert!(svg.contains("€ &amp; more"));
        assert!(
            svg.contains("Offentlig sektor"),
            "template labels follow the board's language"
        );
        assert!(
            svg.contains("stroke-dasharray=\"9 6\""),
            "a desired relation is dashed"
        );
        assert_eq!(svg.matches("<g>").count(), 2);
    }

    #[test]
    fn bounds_cover_the_template_and_the_elements() {
        let area = bounds(&board());
        assert!(area.x <= -1040.0 - MARGIN + 0.1 && area.x + area.width >= 1040.0 + MARGIN - 0.1);
        let mut blank = board();
        blank.meta.template = Template::Blank;
        let area = bounds(&blank);
        let (first, second) = (card_width(&blank.actors[0]), card_width(&blank.actors[1]));
        assert!((area.x - (-first / 2.0 - MARGIN)).abs() < 0.1);
        assert!((area.width - (400.0 + first / 2.0 + second / 2.0 + 2.0 * MARGIN)).abs() < 0.1);
    }

    #[test]
    fn thumbnails_crop_to_the_content() {
        let full = bounds(&board());
        let cropped = area(&board(), false);
        assert!(
            cropped.width < full.width / 2.0,
            "{cropped:?} within {full:?}"
        );
        assert!(thumbnail_svg(&board()).contains("Åbo Akademi"));
        let mut empty = board();
        empty.actors.clear();
        empty.relations.clear();
        assert_eq!(
            area(&empty, false),
            full,
            "an empty board shows its template"
        );
    }

    #[test]
    fn long_names_wrap_onto_a_taller_card_and_relations_meet_its_edge() {
        let name = "Varsinais-Suomen elinkeino-, liikenne- ja ympäristökeskus";
        let mut board = board();
        board.meta.template = Template::Blank;
        board.actors = vec![actor("a", name, 0.0), actor("b", "Turku", 0.0)];
        board.actors[1].y = 300.0;
        board.relations[0].label.clear();
        let svg = svg(&board);
        for line in [
            "Varsinais-Suomen",
            "elinkeino-, liikenne-",
            "ja ympäristökeskus",
        ] {
            assert!(
                svg.contains(&format!(">{line}</text>")),
                "{line} is a line of its own"
            );
        }
        assert!(
            svg.contains(&format!("<title>{name}</title>")),
            "the whole name is the tooltip"
        );
        let tall = f64::from(card::card_height(3, false));
        assert!(tall > 44.0);
        assert!(svg.contains(&format!("height=\"{tall}\"")));
        // The relation leaves the tall card at its real bottom edge and meets the short one's top.
        assert!(
            svg.contains(&format!("y1=\"{:.1}\"", tall / 2.0 + 4.0)),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("y2=\"{:.1}\"", 300.0 - 22.0 - 4.0)),
            "{svg}"
        );
        let area = bounds(&board);
        assert!((area.y - (-tall / 2.0 - MARGIN)).abs() < 0.1, "{area:?}");
    }

    #[test]
    fn the_details_line_is_drawn_and_cut_to_the_card() {
        let mut long_alias = actor("a", "Turku", 0.0);
        long_alias.influence = Some(3);
        long_alias.alias = "Åbo stad, Egentliga Finlands största kommun".into();
        let text = card::details_line(long_alias.influence, &long_alias.alias);
        assert!(text.starts_with("●●●○○  Åbo"), "{text}");
        assert!(text.ends_with('…'), "{text}");
        let mut board = board();
        board.actors = vec![long_alias];
        board.relations.clear();
        let svg = svg(&board);
        assert!(svg.contains(&format!(">{}</text>", escape(&text))), "{svg}");
        // The alias widens the short name's card to the widest there is.
        assert!(card_width(&board.actors[0]) > f64::from(card::CARD_MAX_WIDTH) - 6.0);
    }

    #[test]
    fn a_short_name_gets_a_narrow_card_and_relations_meet_its_real_side() {
        let mut board = board();
        board.meta.template = Template::Blank;
        let long = "Varsinais-Suomen elinkeino-, liikenne- ja ympäristökeskus";
        board.actors = vec![actor("a", long, 0.0), actor("b", "Turku", 600.0)];
        board.relations[0].label.clear();
        board.relations[0].direction = Direction::None;
        let svg = svg(&board);
        let narrow = card_width(&board.actors[1]);
        let wide = card_width(&board.actors[0]);
        assert!(narrow < 100.0 && wide > 176.0, "{narrow} {wide}");
        assert!(
            svg.contains(&format!(
                "<rect x=\"{:.1}\" y=\"-22.0\" width=\"{narrow}\" height=\"44\"",
                600.0 - narrow / 2.0
            )),
            "Turku's card is {narrow} wide: {svg}"
        );
        // The line runs along y = 0 from the wide card's right side to the narrow card's left side.
        assert!(
            svg.contains(&format!("x1=\"{:.1}\"", wide / 2.0 + 4.0)),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("x2=\"{:.1}\"", 600.0 - narrow / 2.0 - 4.0)),
            "{svg}"
        );
    }

    #[test]
    fn ring_names_run_along_the_top_left_edge_clear_of_the_middle() {
        let mut board = board();
        board.meta.template = Template::Rings;
        board.meta.locale = Some(Locale::Fi);
        let svg = svg(&board);
        let (x, y, _) = arc_label_at(RING_RADII[0], RING_LABEL_ANGLE);
        assert!(
            svg.contains(&format!(
                "x=\"{x:.1}\" y=\"{y:.1}\" dy=\"0.35em\" transform=\"rotate(-45.0 {x:.1} {y:.1})\""
            )),
            "{svg}"
        );
        assert!(svg.contains(">Ydin</text>"));
        // Nothing is written where the first card in the core usually goes, above its middle.
        assert!(!svg.contains("x=\"0.0\" y=\"-270.0\""));
    }

    #[test]
    fn only_hex_colours_reach_the_drawing() {
        assert_eq!(safe_color("#a1b2c3", "#000"), "#a1b2c3");
        assert_eq!(safe_color("red\" onload=\"x", "#000"), "#000");
    }
}
