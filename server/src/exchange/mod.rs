//! Exchange: the file formats a board leaves and enters Kartta in, apart from the JSON export
//! (`workshops::board_doc`): the SVG/PNG drawing and the CSV sheets. Their HTTP handlers are in
//! `workshops::api::export`, since they check roles like every other API call.

pub mod csv_sheets;
pub mod file_names;
pub mod local_time;
pub mod render;
