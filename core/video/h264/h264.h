// The C side of the H.264 package: openh264's C interface is a table of
// function pointers (*obj)->Method(obj, ...), which Go cannot call, so
// each Go call is one C call here. All openh264 state lives in C memory:
// no Go pointer outlives a call.
#ifndef SOFTPHONE_H264_H
#define SOFTPHONE_H264_H

#include <stddef.h>
#include <stdint.h>
#include <wels/codec_api.h>

typedef struct {
	ISVCEncoder *enc;
	SEncParamExt p;
	SSourcePicture pic; // the planes point at the caller's frame during one call
	SFrameBSInfo info;
	int live;        // enc is initialised
	int fps;
	long long frames; // for the time stamps openh264's rate control reads
	uint8_t *out;     // the last frame, Annex-B
	size_t out_len, out_cap;
	int key;          // the last frame is an IDR
	int err;          // what the failing openh264 call returned
} sp_h264enc;

// What a failing sp_h264enc call was doing.
enum {
	SP_H264_OK = 0,
	SP_H264_CREATE,
	SP_H264_INIT,
	SP_H264_ENCODE,
	SP_H264_BITRATE,
	SP_H264_NOMEM
};

int sp_h264enc_init(sp_h264enc *e, int w, int h, int fps, int bps, int max_nal);
int sp_h264enc_encode(sp_h264enc *e, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                      int ystride, int cstride, int force_key);
int sp_h264enc_set_bitrate(sp_h264enc *e, int bps);
void sp_h264enc_close(sp_h264enc *e);

// What sp_h264dec_decode did.
enum {
	SP_H264DEC_PICTURE = 0, // the picture is copied into the caller's planes
	SP_H264DEC_NONE = 1,    // no picture came out (parameter sets only)
	SP_H264DEC_RESIZE = 2,  // a picture of w×h is waiting: call sp_h264dec_copy with planes that size
	SP_H264DEC_ERROR = 3,     // state says why (DECODING_STATE bits)
	SP_H264DEC_INCOMPLETE = 4 // slices but no picture: some are missing
};

typedef struct {
	ISVCDecoder *dec;
	SBufferInfo info;
	uint8_t *dst[3]; // the picture waiting for sp_h264dec_copy (openh264's memory)
	int w, h;
	int state;
} sp_h264dec;

int sp_h264dec_init(sp_h264dec *d);
int sp_h264dec_decode(sp_h264dec *d, const uint8_t *data, size_t n,
                      uint8_t *y, uint8_t *u, uint8_t *v, int w, int h);
void sp_h264dec_copy(sp_h264dec *d, uint8_t *y, uint8_t *u, uint8_t *v);
void sp_h264dec_close(sp_h264dec *d);

#endif
