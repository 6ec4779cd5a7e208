module template

go 1.23.0

require github.com/nodego/nodego v0.0.0

replace github.com/nodego/nodego => ../..
