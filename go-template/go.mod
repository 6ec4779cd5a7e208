module github.com/nodego/nodego

go 1.22
