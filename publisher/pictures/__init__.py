"""Pictures: the source syntax that declares and places them (syntax), the checks on their files
(files), and the resized copies every output uses (renditions)."""

from publisher.pictures.renditions import Rendition, largest_jpeg, renditions
from publisher.pictures.syntax import figure_target, read_pictures

__all__ = ["Rendition", "figure_target", "largest_jpeg", "read_pictures", "renditions"]
