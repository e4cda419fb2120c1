resource "aws_s3_bucket" "attachments" {
  bucket = "acme-notes-attachments"
}
