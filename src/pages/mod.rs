pub mod developers;
