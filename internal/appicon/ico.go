package appicon

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/png"
)

// ICO encodes the icon at each size (≤ 256) as a Windows .ico file whose
// entries are PNG images, which Windows reads since Vista.
func (ic *Icon) ICO(sizes ...int) ([]byte, error) {
	imgs := make([][]byte, len(sizes))
	for i, s := range sizes {
		if s < 1 || s > 256 {
			return nil, fmt.Errorf("appicon: size %d: an icon entry is 1 to 256 pixels", s)
		}
		var b bytes.Buffer
		if err := png.Encode(&b, ic.Draw(s)); err != nil {
			return nil, fmt.Errorf("appicon: %w", err)
		}
		imgs[i] = b.Bytes()
	}
	var out bytes.Buffer
	le := binary.LittleEndian
	hdr := make([]byte, 6)
	le.PutUint16(hdr[2:], 1) // type: icon
	le.PutUint16(hdr[4:], uint16(len(sizes)))
	out.Write(hdr)
	offset := 6 + 16*len(sizes)
	for i, s := range sizes {
		e := make([]byte, 16)
		e[0], e[1] = byte(s), byte(s) // 256 is written as 0
		le.PutUint16(e[4:], 1)        // planes
		le.PutUint16(e[6:], 32)       // bits per pixel
		le.PutUint32(e[8:], uint32(len(imgs[i])))
		le.PutUint32(e[12:], uint32(offset))
		offset += len(imgs[i])
		out.Write(e)
	}
	for _, b := range imgs {
		out.Write(b)
	}
	return out.Bytes(), nil
}
