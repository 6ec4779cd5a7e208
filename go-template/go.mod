module github.com/nodego/nodego

go 1.23.0
